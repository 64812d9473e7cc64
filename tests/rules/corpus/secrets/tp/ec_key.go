package tlsutil

const testServerKey = `-----BEGIN EC PRIVATE KEY-----
MIIEpAIBAAKCAQEAr0MPiS6aZxzjlmB07l1q1Ydg9NebFMXpx1VwlQRg/cH7WVed
YcXCkHDvAknu3bRqAm0htZx+0PEZJBhU2YiNOIXgze2uFiDmuii7DJWtWlMNqaep
EUbwqtTroH0IqoYYvz7MriWBv9yDZ2OT0cHNIf0H==
-----END EC PRIVATE KEY-----`
