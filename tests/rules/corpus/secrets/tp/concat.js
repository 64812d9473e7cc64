const token = 'ghp_id4NbJlEz9' + 'TMCGxgrb1FffjxXGlxfLNgtkve';
const keyId = "AKIAZKMZ" +
  "BEJHQIHU6G5M";
const stripeKey = ['sk_live_Ygry', 'owfOnBqR3nS8yQbMcixQ'].join('');
const hook = 'https://hooks.slack.com/services/' + 'TPQVMPY68/BFOO6GAX1AL/pkR1DwKvYoG1kq20cs3U8BON';
