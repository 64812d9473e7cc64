PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----"
if data.startswith(b"-----BEGIN PRIVATE KEY-----"):
    kind = 'pkcs8'
doc = """
Paste your key here:
-----BEGIN OPENSSH PRIVATE KEY-----
...
-----END OPENSSH PRIVATE KEY-----
"""
