require 'sinatra/base'
require_relative 'models/user'

class SessionsApp < Sinatra::Base
  enable :sessions
  set :session_secret, ENV.fetch('SESSION_SECRET')

  get '/login' do
    erb :login, locals: { error: nil }
  end

  post '/login' do
    user = User.authenticate(params[:email].to_s, params[:password].to_s)
    halt 401, erb(:login, locals: { error: 'Invalid email or password' }) unless user

    session.clear
    session[:user_id] = user.id
    redirect '/dashboard'
  end

  post '/logout' do
    session.clear
    redirect '/login'
  end
end
