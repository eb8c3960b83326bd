"""Receiving the API's callbacks: a durable, idempotent inbox and its HTTP endpoint."""

from resources.callbacks.inbox import CallbackInbox, Delivery, InvalidDelivery, StoreResult
from resources.callbacks.receiver import CallbackReceiver, serve_forever
from resources.callbacks.urls import callback_url, check_token

__all__ = ["CallbackInbox", "CallbackReceiver", "Delivery", "InvalidDelivery", "StoreResult",
           "callback_url", "check_token", "serve_forever"]
