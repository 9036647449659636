<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Exception\ConnectionError;
use Expe\ExpeClient;
use Expe\Tests\Support\ScriptedServer;
use PHPUnit\Framework\TestCase;

final class TimeoutsTest extends TestCase
{
    public function testAnAnswerLaterThanTheTimeoutIsAConnectionError(): void
    {
        $upstream = new ScriptedServer([['delay' => 3.0, 'status' => 200, 'body' => '{}']]);
        $expe = new ExpeClient('sk_test_abc', ['baseUrl' => $upstream->url, 'timeout' => 0.5, 'maxNetworkRetries' => 0]);
        $started = microtime(true);
        try {
            $expe->payments->retrieve('pay_1');
            $this->fail('No error raised.');
        } catch (ConnectionError $error) {
            $this->assertLessThan(2.0, microtime(true) - $started);
            $this->assertNull($error->getHttpStatus());
        } finally {
            $upstream->stop();
        }
    }

    public function testTheTimeoutOfOneCallOverridesTheClients(): void
    {
        $upstream = new ScriptedServer([['delay' => 1.0, 'status' => 200, 'body' => '{"id":"pay_1"}']]);
        $expe = new ExpeClient('sk_test_abc', ['baseUrl' => $upstream->url, 'timeout' => 0.3, 'maxNetworkRetries' => 0]);
        try {
            $this->assertSame('pay_1', $expe->payments->retrieve('pay_1', ['timeout' => 5])->id);
        } finally {
            $upstream->stop();
        }
    }

    public function testAnAddressWhereNothingListensIsAConnectionError(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $address = stream_socket_get_name($socket, false);
        fclose($socket);
        $expe = new ExpeClient('sk_test_abc', ['baseUrl' => "http://$address", 'maxNetworkRetries' => 1]);
        $this->expectException(ConnectionError::class);
        $expe->payments->retrieve('pay_1');
    }
}
