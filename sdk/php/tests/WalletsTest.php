<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Tests\Support\Env;
use PHPUnit\Framework\TestCase;

final class WalletsTest extends TestCase
{
    public function testOpensOneWalletPerCurrency(): void
    {
        $expe = Env::client();
        $wallet = $expe->wallets->create(['currency' => 'INR']);
        $again = $expe->wallets->create(['currency' => 'INR']);
        $this->assertStringStartsWith('wal_', $wallet->id);
        $this->assertSame($wallet->id, $again->id);
        $this->assertSame(200, $again->lastResponse->status);
        $this->assertSame('merchant', $wallet->owner->type);
        $this->assertSame(Env::merchantId(), $wallet->owner->id);

        $listed = array_map(fn ($w) => $w->id, $expe->wallets->list()->data);
        $this->assertContains($wallet->id, $listed);
        $this->assertSame('INR', $expe->wallets->retrieve($wallet->id)->currency);
    }

    public function testATopupAddsToTheBalanceAndTheStatement(): void
    {
        $expe = Env::client();
        $wallet = $expe->wallets->create(['currency' => 'INR']);
        $topup = $expe->topups->create(['walletId' => $wallet->id, 'amount' => 5000, 'source' => ['type' => 'bank']]);
        $this->assertStringStartsWith('txn_', $topup->id);
        $this->assertSame('succeeded', $topup->status);
        $this->assertSame('succeeded', $expe->topups->retrieve($topup->id)->status);
        $this->assertSame($wallet->available + 5000, $expe->wallets->retrieve($wallet->id)->available);

        $expe->topups->create(['walletId' => $wallet->id, 'amount' => 700, 'source' => ['type' => 'upi', 'vpa' => 'shop@upi']]);
        $entries = $expe->wallets->entries($wallet->id, ['limit' => 1]);
        $this->assertSame(700, $entries->data[0]->amount);
        $this->assertTrue($entries->hasMore);
        $movements = [];
        foreach ($entries as $entry) {
            $movements[] = $entry->movementId;
        }
        $this->assertCount($entries->total, $movements);
        $this->assertContains($topup->id, $movements);

        $csv = $expe->wallets->exportEntries($wallet->id);
        $this->assertStringContainsString($topup->id, $csv);
    }

    public function testTransfersToAPersonByEmailThenByWallet(): void
    {
        $expe = Env::client();
        $wallet = $expe->wallets->create(['currency' => 'INR']);
        $expe->topups->create(['walletId' => $wallet->id, 'amount' => 3000, 'source' => ['type' => 'bank']]);

        $byEmail = $expe->transfers->create([
            'fromWalletId' => $wallet->id,
            'to' => ['email' => Env::get('EXPE_RECIPIENT_EMAIL')],
            'amount' => 1000,
            'currency' => 'INR',
            'note' => 'cashback',
        ]);
        $this->assertSame('transfer', $byEmail->type);
        $this->assertSame('succeeded', $byEmail->status);
        $this->assertSame($wallet->id, $byEmail->fromWalletId);

        $byWallet = $expe->transfers->create([
            'fromWalletId' => $wallet->id,
            'to' => ['walletId' => $byEmail->toWalletId],
            'amount' => 500,
            'currency' => 'INR',
        ]);
        $this->assertSame($byEmail->toWalletId, $expe->transfers->retrieve($byWallet->id)->toWalletId);
    }
}
