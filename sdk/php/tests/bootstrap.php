<?php

declare(strict_types=1);

// The suite loads the SDK the Composer-free way, so init.php is tested too.
require __DIR__ . '/../init.php';

error_reporting(E_ALL);

spl_autoload_register(static function (string $class): void {
    $prefix = 'Expe\\Tests\\';
    if (str_starts_with($class, $prefix)) {
        require __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    }
});
