require 'stripe'

Stripe.api_key = 'sk_live_hChWlRBpez2t6Q519xJbqdO3'
RESTRICTED = "rk_live_vZl2eS5xMDS2ee5XfTstEXfh"
