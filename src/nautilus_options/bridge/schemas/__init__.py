"""Typed request and response bodies of the bridge (pydantic), shared by REST and the stream.

The stream publishes ``model.model_dump(mode="json")`` of the same models under its
topics, so a client decodes one shape wherever it comes from.
"""
