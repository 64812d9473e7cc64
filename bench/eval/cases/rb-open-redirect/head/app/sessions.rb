require 'sinatra/base'
require_relative 'models/user'

class SessionsApp < Sinatra::Base
  enable :sessions
  set :session_secret, ENV.fetch('SESSION_SECRET')

  get '/login' do
    erb :login, locals: { error: nil, return_to: params[:return_to] }
  end

  post '/login' do
    user = User.authenticate(params[:email].to_s, params[:password].to_s)
    halt 401, erb(:login, locals: { error: 'Invalid email or password', return_to: params[:return_to] }) unless user

    session.clear
    session[:user_id] = user.id
    # back to the page that asked the user to sign in
    target = params[:return_to].to_s
    redirect(target.empty? ? '/dashboard' : target)
  end

  post '/logout' do
    session.clear
    redirect '/login'
  end
end
