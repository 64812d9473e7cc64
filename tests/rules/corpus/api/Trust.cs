ServicePointManager.ServerCertificateValidationCallback = (s, c, ch, e) => true;
var q = $"SELECT * FROM users WHERE name = '{name}'";
