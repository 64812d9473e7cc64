static const char *npm_token = "npm_hVhlRzLY" "pdlvOXV7mzew8GebMDFC64OKPFmQ";
