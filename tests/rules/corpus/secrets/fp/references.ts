export interface Credentials {
  password: string;
  token?: string;
}
const token = await auth.getToken();
const password = req.body.password;
if (password.length < MIN_PASSWORD_LENGTH) throw new Error('password too short');
const secret = process.env.SESSION_SECRET;
const apiKey = config.get<string>('apiKey');
passwordInput.value = '';
const TOKEN_URL = 'https://oauth2.googleapis.com/token';
const tokenType = 'Bearer';
const messages = { password_too_short: 'Password must be at least 12 characters' };
localStorage.setItem('token', token);
