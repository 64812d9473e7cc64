<section class="page-pricing">
  <h1><?= e($title) ?></h1>
</section>
