# frozen_string_literal: true

# Payments made and paid the way a merchant's server and its customer would.
module Factory
  CARD_OK = "4242424242424242"
  CARD_DECLINED = "4000000000000002"

  module_function

  def payment(client, **params)
    client.payments.create({ amount: 1000, currency: "INR", order_id: Env.order_id }.merge(params))
  end

  # Pays on the checkout with a publishable key and the payment's client secret.
  def pay(payment, number = CARD_OK)
    Env.checkout.checkout.confirm(payment.id, { method: "card", card: card(number) },
                                  { client_secret: payment.client_secret })
  end

  def card(number = CARD_OK)
    { number: number, exp_month: 12, exp_year: Time.now.year + 3, cvc: "123" }
  end
end
