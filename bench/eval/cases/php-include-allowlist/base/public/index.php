<?php
declare(strict_types=1);
require __DIR__ . '/../lib/layout.php';

$title = 'Acme Analytics';
layout_header($title);
include __DIR__ . '/pages/home.php';
layout_footer();
