import boto3

AWS_ACCESS_KEY_ID = "AKIACWIBP7NC5IF7WD25"
AWS_SECRET_ACCESS_KEY = "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"


def client():
    return boto3.client("s3", aws_access_key_id="AKIAZFIJE4MY572WR6KA",
                        aws_secret_access_key="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")

# session credentials from the staging role
STS_KEY = "ASIA3EVFZTXRXUXNPPEF"
STS_SECRET = "cGr+a1igZf37LiHaU6D7MYL4Nqcd4Nu873k/Jhpt"
