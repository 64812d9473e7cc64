<?php
declare(strict_types=1);
require __DIR__ . '/../lib/layout.php';

const PAGES = [
    'home' => 'Acme Analytics',
    'pricing' => 'Pricing',
    'about' => 'About us',
    'contact' => 'Contact',
];

$page = is_string($_GET['page'] ?? null) ? $_GET['page'] : 'home';
if (!array_key_exists($page, PAGES)) {
    http_response_code(404);
    $page = 'not-found';
    $title = 'Page not found';
} else {
    $title = PAGES[$page];
}

layout_header($title);
include __DIR__ . "/pages/{$page}.php";
layout_footer();
