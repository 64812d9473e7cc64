<?php
declare(strict_types=1);

function db(): PDO
{
    static $pdo = null;
    if ($pdo === null) {
        $pdo = new PDO(getenv('SHOP_DSN'), getenv('SHOP_DB_USER'), getenv('SHOP_DB_PASSWORD'), [
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
            PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
        ]);
    }
    return $pdo;
}

function search_products(string $term): array
{
    $stmt = db()->prepare('SELECT id, name, price_cents FROM products WHERE name LIKE ? ORDER BY name LIMIT 50');
    $stmt->execute(['%' . $term . '%']);
    return $stmt->fetchAll();
}

function e(string $s): string
{
    return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}
