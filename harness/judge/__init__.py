"""The judge: public and hidden tests run here, outside the sandbox."""
