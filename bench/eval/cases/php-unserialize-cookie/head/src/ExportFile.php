<?php
declare(strict_types=1);

/** A report export written to a temporary file and removed when the object goes away. */
final class ExportFile
{
    public string $path;

    public function __construct(string $prefix)
    {
        $this->path = tempnam(sys_get_temp_dir(), $prefix);
    }

    public function write(string $data): void
    {
        file_put_contents($this->path, $data, FILE_APPEND);
    }

    public function __destruct()
    {
        if (is_file($this->path)) {
            unlink($this->path);
        }
    }
}
