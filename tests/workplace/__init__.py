"""Tests of the CSM workplace pages."""
