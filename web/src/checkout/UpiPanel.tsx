import { QRCodeSVG } from "qrcode.react";
import type { CheckoutPayment } from "../api/types";
import { FormError } from "../ui/Field";

interface Props {
  payment: CheckoutPayment;
  error: string | null;
  busy: boolean;
  onStart: () => Promise<void>;
  onSimulate: (outcome: "success" | "failure") => Promise<void>;
}

export function UpiPanel({ payment, error, busy, onStart, onSimulate }: Props) {
  const waiting = payment.status === "processing";
  return (
    <div className="stack" aria-label="Pay by UPI">
      <FormError error={error} />
      {!waiting ? (
        <>
          <p>Scan a QR code with any UPI app (Google Pay, PhonePe, Paytm, BHIM) to pay.</p>
          <button
            type="button"
            className="btn btn-block"
            disabled={busy}
            onClick={() => void onStart()}
          >
            {busy ? "Preparing…" : "Show UPI QR code"}
          </button>
        </>
      ) : (
        <div className="center-col">
          <div className="qr">
            <QRCodeSVG
              value={payment.qrPayload}
              size={220}
              level="M"
              marginSize={0}
              role="img"
              aria-label="UPI QR code to scan with a UPI app"
            />
          </div>
          <p role="status" aria-live="polite">
            Waiting for you to approve the payment in your UPI app… This page updates by itself.
          </p>
          {payment.mode !== "live" && (
            <fieldset>
              <legend>Test mode: act as the customer’s UPI app</legend>
              <div className="row">
                <button
                  type="button"
                  className="btn"
                  disabled={busy}
                  onClick={() => void onSimulate("success")}
                >
                  Simulate UPI app
                </button>
                <button
                  type="button"
                  className="btn btn-danger"
                  disabled={busy}
                  onClick={() => void onSimulate("failure")}
                >
                  Simulate a declined UPI payment
                </button>
              </div>
            </fieldset>
          )}
        </div>
      )}
    </div>
  );
}
