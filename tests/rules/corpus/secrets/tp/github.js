const { Octokit } = require('@octokit/rest');

const octokit = new Octokit({ auth: 'ghp_M4h25i8iHeOHxndnAENYc99Ev5OeI1BiqPO8' });
const APP_TOKEN = "ghs_EWKZwAHdv7cr29bGzRIwj1yVGHn1H2IGUqRA";
const fineGrained = `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`;
headers.Authorization = 'token gho_YyJhNMnuiGMUMskrf7t4hVrYbXvqHpfXroq3';
process.env.GH_REFRESH = 'ghr_stuTqtSK85GmgmlyAT20w4FgSF39Qzy1lcoi';
