DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'USER': 'billing',
        'PASSWORD': '1z87osLYy3OHCZFPKgIW',
    }
}
SECRET_KEY = "ioROSb-UTLn6xk5oKAq6rXIuZqMd+m9n03_cX45M"
api_key = "f3410146152293299183ddb4084fc393"
