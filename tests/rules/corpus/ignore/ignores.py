AWS_KEY = "AKIACDOLWL2JTS2NW2JH"  # tribunal-ignore: secret-aws-access-key revoked in INC-1234, kept for the replay test
# tribunal-ignore: py-eval the expression comes from our own config file
value = eval(expr)
obj = pickle.loads(blob)  # tribunal-ignore: py-deserialization
# tribunal-ignore: py-yaml-load, py-shell-true -- trusted build input
cfg = yaml.load(stream); subprocess.run(cmd, shell=True)
os.system(cmd)  # tribunal-ignore: py-eval wrong rule named
print("tribunal-ignore: py-os-system not a comment"); os.system(cmd)
# tribunal-ignore:
x = 1
