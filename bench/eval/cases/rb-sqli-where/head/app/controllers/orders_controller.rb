class OrdersController < ApplicationController
  before_action :authenticate_user!

  def index
    scope = current_account.orders
    scope = scope.where("status = '#{params[:status]}'") if params[:status].present?
    scope = scope.where("reference LIKE '%#{params[:q]}%'") if params[:q].present?
    @orders = scope.order(created_at: :desc).limit(50)
  end

  def show
    @order = current_account.orders.find(params[:id])
  end
end
