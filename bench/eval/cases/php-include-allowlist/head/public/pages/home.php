<section class="page-home">
  <h1><?= e($title) ?></h1>
</section>
