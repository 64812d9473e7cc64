<?php
declare(strict_types=1);

function e(string $s): string
{
    return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

function layout_header(string $title): void
{
    echo '<!doctype html><html><head><meta charset="utf-8"><title>', e($title), '</title>',
        '<link rel="stylesheet" href="/css/site.css"></head><body>';
}

function layout_footer(): void
{
    echo '<footer>&copy; Acme</footer></body></html>';
}
