<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Page;
use Expe\Tests\Support\Env;
use Expe\Tests\Support\Factory;
use PHPUnit\Framework\TestCase;

final class PaymentsTest extends TestCase
{
    public function testCreatesAPaymentForTheHostedCheckout(): void
    {
        $expe = Env::client();
        $orderId = Env::orderId();
        $payment = $expe->payments->create([
            'amount' => 49900,
            'currency' => 'INR',
            'orderId' => $orderId,
            'description' => 'Two cups of chai',
            'metadata' => ['cart_id' => 'c-42'],
        ]);

        $this->assertStringStartsWith('pay_', $payment->id);
        $this->assertSame('created', $payment->status);
        $this->assertSame(49900, $payment['amount']);
        $this->assertSame($orderId, $payment->orderId);
        $this->assertSame('c-42', $payment->metadata->cart_id);
        $this->assertSame('test', $payment->mode);
        $this->assertStringContainsString($payment->clientSecret, $payment->checkoutUrl);
        $this->assertSame(201, $payment->lastResponse->status);
        $this->assertMatchesRegularExpression('/^req_/', $payment->lastResponse->requestId());

        $read = $expe->payments->retrieve($payment->id);
        $this->assertSame($payment->id, $read->id);
        $this->assertSame($payment->toArray()['metadata'], $read->toArray()['metadata']);
    }

    public function testAListIteratesEveryPaymentAcrossPages(): void
    {
        $expe = Env::client();
        $created = [];
        for ($i = 0; $i < 5; $i++) {
            $created[] = Factory::payment($expe)->id;
        }

        $first = $expe->payments->list(['limit' => 2]);
        $this->assertInstanceOf(Page::class, $first);
        $this->assertCount(2, $first->data);
        $this->assertSame(1, $first->page);
        $this->assertTrue($first->hasMore);
        $this->assertGreaterThanOrEqual(5, $first->total);
        // Newest first: the last one created leads.
        $this->assertSame($created[4], $first->data[0]->id);

        $seen = [];
        foreach ($first as $payment) {
            $seen[] = $payment->id;
        }
        $this->assertCount($first->total, $seen);
        $this->assertSame($seen, array_values(array_unique($seen)));
        $this->assertSame([], array_diff($created, $seen));

        $second = $first->nextPage();
        $this->assertSame(2, $second->page);
        $this->assertSame(array_slice($seen, 2, 2), array_map(fn ($p) => $p->id, $second->data));
    }

    public function testAutoPaginationFetchesTheNextPageOnlyWhenNeeded(): void
    {
        $expe = Env::client();
        Factory::payment($expe);
        Factory::payment($expe);
        Factory::payment($expe);
        $page = $expe->payments->list(['limit' => 1]);
        $firstRequest = $expe->lastResponse->requestId();
        foreach ($page as $payment) {
            break;
        }
        $this->assertSame($firstRequest, $expe->lastResponse->requestId());
    }

    public function testFiltersTheListByOrderIdAndStatus(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        $found = $expe->payments->list(['q' => $payment->orderId, 'status' => ['created', 'processing']]);
        $this->assertSame([$payment->id], array_map(fn ($p) => $p->id, $found->data));
        $none = $expe->payments->list(['q' => $payment->orderId, 'status' => ['succeeded']]);
        $this->assertSame(0, $none->total);
    }

    public function testCancelsAPaymentAndKeepsItsHistory(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        $canceled = $expe->payments->cancel($payment->id, ['reason' => 'customer left']);
        $this->assertSame('canceled', $canceled->status);

        $history = $expe->payments->history($payment->id);
        $this->assertSame($payment->id, $history->paymentId);
        $this->assertSame(['created', 'canceled'], array_map(fn ($t) => $t->to, $history->data));
        $this->assertSame('created', $history->data[1]->from);
    }

    public function testExportsTheListAsCsv(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        $csv = $expe->payments->export(['q' => $payment->orderId]);
        $lines = array_values(array_filter(explode("\n", str_replace("\r", '', $csv))));
        $this->assertStringStartsWith('id,status,amount,currency', $lines[0]);
        $this->assertCount(2, $lines);
        $this->assertStringStartsWith($payment->id . ',created,1000,INR', $lines[1]);
    }

    public function testListsTheMerchantsTransactions(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        $transactions = $expe->transactions->list(Env::merchantId(), ['limit' => 5]);
        $this->assertSame($payment->id, $transactions->data[0]->id);
    }

    public function testReportsTheMerchantsAnalytics(): void
    {
        $expe = Env::client();
        $summary = $expe->analytics->summary(['from' => new \DateTimeImmutable('-1 day')]);
        $this->assertSame(Env::merchantId(), $summary->merchantId);
        $this->assertSame('test', $summary->mode);
        $this->assertIsArray($summary->paymentsCreated);

        $overview = $expe->analytics->overview(['days' => 7, 'tz' => 'Asia/Kolkata']);
        $this->assertSame('Asia/Kolkata', $overview->timezone);
        $this->assertIsArray($overview->currencies);
    }
}
