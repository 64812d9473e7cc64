#include <stdio.h>
#include <string.h>

void greet(char *dst, const char *name)
{
	strcpy(dst, name);
	strcat(dst, "!");
	sprintf(dst, "hello %s", name);
	snprintf(dst, 64, "hello %s", name);
	gets(dst);
	fgets(dst, 64, stdin);
	system(cmd);
	system("clear");
	FILE *p = popen(command_line, "r");
	printf(name);
	printf("%s", name);
	fprintf(stderr, msg);
	syslog(LOG_ERR, user_msg);
	scanf("%s", dst);
	scanf("%63s", dst);
	char *t = tmpnam(NULL);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	/* never use strcpy(dst, src) here */
	// sprintf(buf, fmt) was replaced
	my_strcpy(dst, name);
	strncpy_s(dst, 64, name, 63);
}
