# frozen_string_literal: true

module Expe
  # One page of a list (`data`, `page`, `limit`, `total`, `has_more`). Its `each`, and every
  # Enumerable method with it, goes through every item of the list, this page's first,
  # fetching each next page only when the previous one is used up.
  class Page < ExpeObject
    include Enumerable

    # `fetch` answers another page of the same list, by its number.
    def self.of(values, last_response, &fetch)
      from(values, last_response, fetch)
    end

    def initialize(values = {}, last_response = nil, fetch = nil)
      super(values, last_response)
      @fetch = fetch
    end

    # The next page, or nil after the last one.
    def next_page
      return nil unless self[:has_more] && @fetch

      @fetch.call(self[:page] + 1)
    end

    def each(&block)
      return enum_for(:each) unless block

      page = self
      while page
        page[:data].each(&block)
        page = page.next_page
      end
    end
  end
end
