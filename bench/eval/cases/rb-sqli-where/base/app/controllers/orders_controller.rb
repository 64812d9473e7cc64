class OrdersController < ApplicationController
  before_action :authenticate_user!

  def index
    @orders = current_account.orders.order(created_at: :desc).limit(50)
  end

  def show
    @order = current_account.orders.find(params[:id])
  end
end
