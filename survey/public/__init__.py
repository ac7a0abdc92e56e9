"""The citizen survey reached by QR code: anonymous, fast on 3G, works without JavaScript."""
