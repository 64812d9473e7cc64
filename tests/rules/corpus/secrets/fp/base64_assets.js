const logo = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAGXRFWHRTb2Z0d2FyZQBBZG9iZSBJbWFnZVJlYWR5ccllPAAAAJ5JREFUeNpi';
const sri = 'sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC';
const route = 'api/v1/accounts/settings/notifications/preferences/email';
const cssClass = 'btn btn-primary btn-lg active col-md-offset-2 text-center';
const i18nKey = 'auth.password.reset.confirmation.emailSentSuccessfully';
