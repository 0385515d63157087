-- CreateTable
CREATE TABLE "ChannelConnection" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "secrets" TEXT NOT NULL,
    "secretHints" TEXT NOT NULL DEFAULT '{}',
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "ChannelConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "flowId" TEXT,
    "nodeId" TEXT,
    "buttonId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageDelivery" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "connectionId" TEXT,
    "platformMessageId" TEXT,
    "runId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "nodeType" TEXT,
    "customerId" TEXT NOT NULL,
    "isTest" BOOLEAN NOT NULL DEFAULT false,
    "opensTracked" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "message" TEXT,
    "sendingAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3),
    "readAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),

    CONSTRAINT "MessageDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageEngagement" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MessageEngagement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChannelConnection_kind_idx" ON "ChannelConnection"("kind");

-- CreateIndex
CREATE INDEX "InboundEvent_customerId_at_idx" ON "InboundEvent"("customerId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_connectionId_eventKey_key" ON "InboundEvent"("connectionId", "eventKey");

-- CreateIndex
CREATE UNIQUE INDEX "MessageDelivery_idempotencyKey_key" ON "MessageDelivery"("idempotencyKey");

-- CreateIndex
CREATE INDEX "MessageDelivery_channel_platformMessageId_idx" ON "MessageDelivery"("channel", "platformMessageId");

-- CreateIndex
CREATE INDEX "MessageDelivery_flowId_versionId_nodeId_idx" ON "MessageDelivery"("flowId", "versionId", "nodeId");

-- CreateIndex
CREATE INDEX "MessageDelivery_customerId_sentAt_idx" ON "MessageDelivery"("customerId", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "MessageEngagement_deliveryId_kind_key" ON "MessageEngagement"("deliveryId", "kind");
