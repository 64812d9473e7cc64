<?php
declare(strict_types=1);
require __DIR__ . '/../src/bootstrap.php';

$user = require_login();

// the widget layout is remembered in a cookie so it survives without a database write
$layout = ['widgets' => ['revenue', 'orders', 'refunds'], 'range' => '30d'];
if (isset($_COOKIE['dash_layout'])) {
    $saved = unserialize(base64_decode($_COOKIE['dash_layout']));
    if (is_array($saved)) {
        $layout = array_merge($layout, $saved);
    }
}
if (isset($_POST['widgets']) && is_array($_POST['widgets'])) {
    $layout['widgets'] = array_values(array_intersect($_POST['widgets'], ['revenue', 'orders', 'refunds', 'churn']));
    setcookie('dash_layout', base64_encode(serialize($layout)), ['expires' => time() + 31536000, 'httponly' => true]);
}
render('dashboard', ['user' => $user, 'widgets' => $layout['widgets'], 'range' => $layout['range']]);
