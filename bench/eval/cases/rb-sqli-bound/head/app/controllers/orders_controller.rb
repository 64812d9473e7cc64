class OrdersController < ApplicationController
  before_action :authenticate_user!

  SORTABLE = %w[created_at total_cents status reference].freeze

  def index
    scope = current_account.orders
    scope = scope.where('status = ?', params[:status]) if params[:status].present?
    if params[:q].present?
      scope = scope.where('reference LIKE ?', "%#{Order.sanitize_sql_like(params[:q])}%")
    end
    column = SORTABLE.include?(params[:sort]) ? params[:sort] : 'created_at'
    direction = params[:dir] == 'asc' ? 'ASC' : 'DESC'
    @orders = scope.order("#{column} #{direction}").limit(50)
  end

  def show
    @order = current_account.orders.find(params[:id])
  end
end
