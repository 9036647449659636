<?php

declare(strict_types=1);

namespace Expe;

/**
 * One page of a list (`data`, `page`, `limit`, `total`, `hasMore`). Iterating it yields every
 * item of the list, this page's first, fetching each next page only when the previous one is
 * used up.
 *
 * @implements \IteratorAggregate<int, ExpeObject>
 */
final class Page extends ExpeObject implements \IteratorAggregate
{
    /** @var (\Closure(int): Page)|null fetches another page of the same list */
    private ?\Closure $fetch = null;

    /** @param \Closure(int): Page $fetch */
    public static function of(ExpeResponse $response, \Closure $fetch): self
    {
        $page = self::fromJson($response->body, $response);
        $page->fetch = $fetch;
        return $page;
    }

    /** The next page, or null after the last one. */
    public function nextPage(): ?self
    {
        if (!$this->hasMore || $this->fetch === null) {
            return null;
        }
        return ($this->fetch)((int) $this->page + 1);
    }

    /** @return \Generator<int, ExpeObject> */
    public function getIterator(): \Generator
    {
        for ($page = $this; $page !== null; $page = $page->nextPage()) {
            // Yielded one by one, so the keys run on across pages.
            foreach ($page->data ?? [] as $item) {
                yield $item;
            }
        }
    }
}
