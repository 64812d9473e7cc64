class ReportsController < ApplicationController
  def show
    eval(params[:expr])
    instance_eval do
      setup
    end
    system("convert #{params[:file]} out.png")
    system("convert", params[:file], "out.png")
    files = `ls #{dir}`
    obj = Marshal.load(cookies[:state])
    User.where("name = '#{params[:name]}'")
    User.where("name = ?", params[:name])
    http.verify_mode = OpenSSL::SSL::VERIFY_NONE
    render html: params[:bio].html_safe
  end
end
