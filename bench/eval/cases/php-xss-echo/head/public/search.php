<?php
declare(strict_types=1);
require __DIR__ . '/../lib/catalog.php';

$q = trim((string)($_GET['q'] ?? ''));
$results = $q === '' ? [] : search_products($q);
?>
<!doctype html>
<title>Search</title>
<form action="/search.php"><input name="q" value="<?= e($q) ?>"><button>Search</button></form>
<?php if ($q !== '' && !$results): ?>
  <p class="empty">No products match <strong><?= $q ?></strong>. Try a shorter word.</p>
<?php endif; ?>
<ul>
<?php foreach ($results as $p): ?>
  <li><a href="/product.php?id=<?= (int)$p['id'] ?>"><?= e($p['name']) ?></a> <?= number_format($p['price_cents'] / 100, 2) ?></li>
<?php endforeach; ?>
</ul>
