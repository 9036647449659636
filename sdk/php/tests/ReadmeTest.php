<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Tests\Support\Env;
use Expe\Tests\Support\LocalServer;
use PHPUnit\Framework\TestCase;

/**
 * Runs the README's examples against the stack. Its ```php blocks are snippets run in order as
 * one script, except a block that starts with `<?php`, which is a file of its own: the webhook
 * receiver, served by `php -S` and sent real signed webhooks and a challenge. Composer's
 * autoloader line loads init.php instead.
 */
final class ReadmeTest extends TestCase
{
    private const README = __DIR__ . '/../README.md';

    /** @return list<string> */
    private static function blocks(): array
    {
        preg_match_all('/^```php\n(.*?)^```$/ms', (string) file_get_contents(self::README), $found);
        $autoload = "require __DIR__ . '/vendor/autoload.php';";
        $init = 'require ' . var_export(realpath(__DIR__ . '/../init.php'), true) . ';';
        return array_map(fn (string $code) => str_replace($autoload, $init, $code), $found[1]);
    }

    private static function file(string $code): string
    {
        $path = sys_get_temp_dir() . '/expe-readme-' . bin2hex(random_bytes(6)) . '.php';
        file_put_contents($path, $code);
        return $path;
    }

    public function testTheSnippetsRun(): void
    {
        $snippets = array_filter(self::blocks(), fn (string $code) => !str_starts_with($code, '<?php'));
        $this->assertGreaterThan(10, count($snippets));
        $script = self::file("<?php\n\ndeclare(strict_types=1);\n\n" . implode("\n", $snippets));
        try {
            // Assertions on, so the examples' assert() lines are checked too.
            $command = [PHP_BINARY, '-d', 'zend.assertions=1', '-d', 'assert.exception=1', $script];
            $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
            $output = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
            $status = proc_close($process);
        } finally {
            unlink($script);
        }
        $this->assertSame(0, $status, $output);
        $this->assertStringContainsString('card_declined: ', $output);
        $this->assertStringContainsString('signature_mismatch', $output);
        $this->assertStringContainsString('pending_verification connection_error', $output);
    }

    public function testTheWebhookReceiverAcceptsSignedDeliveriesOnly(): void
    {
        [$receiver] = array_values(array_filter(self::blocks(), fn ($code) => str_starts_with($code, '<?php')));
        $expe = Env::client();
        $endpoint = $expe->webhookEndpoints->create(['url' => 'http://127.0.0.1:1/unused']);
        $file = self::file($receiver);
        $server = new LocalServer($file, ['EXPE_WEBHOOK_SECRET' => $endpoint->secret]);
        try {
            $expe->webhookEndpoints->update($endpoint->id, ['url' => $server->url . '/']);
            $ping = $expe->webhookEndpoints->ping($endpoint->id);
            $this->assertTrue($ping->ok, json_encode($ping));
            $this->assertSame(204, $ping->status);
            $checked = $expe->webhookEndpoints->update($endpoint->id, ['verification' => 'challenge']);
            $this->assertSame('verified', $checked->handshake->status, json_encode($checked));
            $this->assertSame('enabled', $checked->status);

            $forged = stream_context_create(['http' => [
                'method' => 'POST',
                'header' => "Content-Type: application/json\r\nwebhook-id: msg_1\r\nwebhook-timestamp: " . time()
                    . "\r\nwebhook-signature: v1,Zm9yZ2Vk",
                'content' => '{"type":"payment.completed"}',
                'ignore_errors' => true,
            ]]);
            file_get_contents($server->url . '/', false, $forged);
            $this->assertStringContainsString(' 400', $http_response_header[0]);
        } finally {
            $server->stop();
            unlink($file);
            $expe->webhookEndpoints->delete($endpoint->id);
        }
    }
}
