<?php
declare(strict_types=1);
require __DIR__ . '/../src/bootstrap.php';

$user = require_login();
$widgets = ['revenue', 'orders', 'refunds'];
render('dashboard', ['user' => $user, 'widgets' => $widgets]);
