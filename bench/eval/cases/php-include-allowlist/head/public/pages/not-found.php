<section class="page-not-found">
  <h1><?= e($title) ?></h1>
</section>
