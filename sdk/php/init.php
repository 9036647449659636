<?php

// Loads the SDK without Composer: `require 'path/to/expe-php/init.php';`. It maps the `Expe\`
// namespace onto src/ exactly as composer.json's PSR-4 rule does.

spl_autoload_register(static function (string $class): void {
    $prefix = 'Expe\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
