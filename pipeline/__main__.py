from pipeline.cli import entry

if __name__ == "__main__":  # also imported by worker processes (forkserver/spawn)
    entry()
