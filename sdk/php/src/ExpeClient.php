<?php

declare(strict_types=1);

namespace Expe;

use Expe\Service\Analytics;
use Expe\Service\Checkout;
use Expe\Service\Payments;
use Expe\Service\RateLimits;
use Expe\Service\Topups;
use Expe\Service\Transactions;
use Expe\Service\Transfers;
use Expe\Service\WebhookAttempts;
use Expe\Service\WebhookEndpoints;
use Expe\Service\WebhookMessages;
use Expe\Service\Webhooks;
use Expe\Service\Wallets;

/**
 * The Expe API, called with one key: a secret key (`sk_test_…`, `sk_live_…`) on a server, or a
 * publishable key (`pk_…`) for the checkout resource only.
 *
 *     $expe = new \Expe\ExpeClient('sk_test_…');
 *     $payment = $expe->payments->create([
 *         'amount' => 1000, 'currency' => 'INR', 'orderId' => 'order_123',
 *     ]);
 */
final class ExpeClient
{
    public const VERSION = '0.1.0';
    public const DEFAULT_BASE_URL = 'http://localhost:8000';
    public const DEFAULT_TIMEOUT_SECONDS = 30.0;
    public const DEFAULT_MAX_NETWORK_RETRIES = 2;
    private const OPTIONS = ['baseUrl', 'timeout', 'maxNetworkRetries', 'headers'];

    public readonly string $baseUrl;
    public readonly float $timeout;
    public readonly int $maxNetworkRetries;
    /** @var array<string, string> sent with every call */
    public readonly array $headers;

    /** The last answer of any call made with this client, errors included. */
    public ?ExpeResponse $lastResponse = null;

    public readonly Payments $payments;
    public readonly Checkout $checkout;
    public readonly Wallets $wallets;
    public readonly Topups $topups;
    public readonly Transfers $transfers;
    public readonly Transactions $transactions;
    public readonly WebhookEndpoints $webhookEndpoints;
    public readonly WebhookMessages $webhookMessages;
    public readonly WebhookAttempts $webhookAttempts;
    public readonly Webhooks $webhooks;
    public readonly Analytics $analytics;
    public readonly RateLimits $rateLimits;

    /**
     * @param array{baseUrl?: string, timeout?: float|int, maxNetworkRetries?: int,
     *     headers?: array<string, string>} $options baseUrl defaults to the EXPE_API_URL
     *     environment variable, else http://localhost:8000; timeout is in seconds (30);
     *     maxNetworkRetries (2) counts the tries after the first
     */
    public function __construct(public readonly string $apiKey, array $options = [])
    {
        if (trim($apiKey) === '') {
            throw new \InvalidArgumentException('An API key is needed: sk_…, or pk_… for checkout.');
        }
        $unknown = array_diff(array_keys($options), self::OPTIONS);
        if ($unknown !== []) {
            throw new \InvalidArgumentException(sprintf(
                'Unknown option(s) %s; use %s.',
                implode(', ', $unknown),
                implode(', ', self::OPTIONS),
            ));
        }
        $fromEnv = getenv('EXPE_API_URL');
        $fromEnv = is_string($fromEnv) && $fromEnv !== '' ? $fromEnv : null;
        $this->baseUrl = rtrim($options['baseUrl'] ?? $fromEnv ?? self::DEFAULT_BASE_URL, '/');
        $this->timeout = (float) ($options['timeout'] ?? self::DEFAULT_TIMEOUT_SECONDS);
        $this->maxNetworkRetries = (int) (
            $options['maxNetworkRetries'] ?? self::DEFAULT_MAX_NETWORK_RETRIES
        );
        $this->headers = $options['headers'] ?? [];

        $requestor = new ApiRequestor($this);
        $this->payments = new Payments($requestor);
        $this->checkout = new Checkout($requestor);
        $this->wallets = new Wallets($requestor);
        $this->topups = new Topups($requestor);
        $this->transfers = new Transfers($requestor);
        $this->transactions = new Transactions($requestor);
        $this->webhookEndpoints = new WebhookEndpoints($requestor);
        $this->webhookMessages = new WebhookMessages($requestor);
        $this->webhookAttempts = new WebhookAttempts($requestor);
        $this->webhooks = new Webhooks($requestor);
        $this->analytics = new Analytics($requestor);
        $this->rateLimits = new RateLimits($requestor);
    }

    /** Whether the key is a test-mode key (`sk_test_…`, `pk_test_…`): sandbox money only. */
    public function isTestMode(): bool
    {
        return preg_match('/^(sk|pk)_test_/', $this->apiKey) === 1;
    }
}
