CREATE TABLE "credit_consumptions" (
	"tenant_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"user_id" uuid NOT NULL,
	"amount" integer NOT NULL,
	"remaining" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_consumptions_pkey" PRIMARY KEY("tenant_id","idempotency_key"),
	CONSTRAINT "credit_consumptions_amount_positive" CHECK ("credit_consumptions"."amount" > 0),
	CONSTRAINT "credit_consumptions_key_length" CHECK (length("credit_consumptions"."idempotency_key") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "credit_consumptions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "credit_consumptions" ADD CONSTRAINT "credit_consumptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_consumptions" ADD CONSTRAINT "credit_consumptions_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_consumptions_user_id_idx" ON "credit_consumptions" USING btree ("user_id");