const { exec, execFile } = require('child_process');

const fn = eval(req.query.code);
const f = new Function('a', body);
setTimeout('tick()', 100);
setTimeout(tick, 100);
el.innerHTML = req.query.name;
el.textContent = req.query.name;
if (el.innerHTML === '') { clear(); }
document.write(location.hash);
exec('ls ' + dir, cb);
exec(`git log ${branch}`, cb);
execFile('git', ['log', branch], cb);
const m = /a+/.exec(line);
db.query(`SELECT * FROM users WHERE id = ${id}`);
db.query('SELECT * FROM users WHERE id = ?', [id]);
const agent = new https.Agent({ rejectUnauthorized: false });
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
// el.innerHTML = html; (removed)
