package notify

const (
	botToken  = "xoxb-024279484702-6862509892421-4kYCWDgE5YoQsRSBiUD0GLnp"
	userToken = "xoxp-48336686935-17931184189-1914662713163-f68d8bf77adfd693774e4f3d6c8df5b5"
	webhook   = "https://hooks.slack.com/services/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"
)
