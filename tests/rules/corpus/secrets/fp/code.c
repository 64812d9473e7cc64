#include "auth.h"

static int check(const char *password, size_t len)
{
	char token[64];
	const char *secret = getenv("APP_SECRET");
	if (strcmp(password, secret) != 0)
		return -1;
	return tokenize(token, sizeof(token), password);
}
static const char *const password_prompt = "Enter the password for %s: ";
