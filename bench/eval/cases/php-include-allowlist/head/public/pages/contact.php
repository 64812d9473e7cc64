<section class="page-contact">
  <h1><?= e($title) ?></h1>
</section>
