<?php
system('ping -c 1 ' . $host);
system('uptime');
$out = `ls $dir`;
eval($code);
$data = unserialize($_COOKIE['prefs']);
$data = unserialize($raw, ['allowed_classes' => false]);
include $_GET['page'] . '.php';
require_once __DIR__ . '/config.php';
echo $_GET['name'];
echo htmlspecialchars($name, ENT_QUOTES, 'UTF-8');
mysqli_query($conn, "SELECT * FROM users WHERE id = $id");
$stmt = $pdo->prepare('SELECT * FROM users WHERE id = ?');
curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
# system($cmd) was removed
