<section class="page-about">
  <h1><?= e($title) ?></h1>
</section>
