"""Converter from face-api.js 0.22.2 tfjs weights to TFLite models for pyfaceapi (see README.md)."""
